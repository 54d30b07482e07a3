"""Orders: the order book (the one source of truth for what this terminal sent), the one
pre-trade pipeline every order passes before it reaches a broker (``pretrade``: its checks in
``checks`` and ``risk``, field validation shared with the ticket in ``validation``), the
acknowledgement watchdog, the mirror of orders kept elsewhere (remote and replay engines), and
order ids unique across runs and machines (``ids``)."""

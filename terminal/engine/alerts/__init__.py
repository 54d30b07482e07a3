"""Price and condition alerts: the conditions and their watching (``rules.py``), the engine's
alerts, carried out from commands and checked on the tick and bar path (``service.py``), the
file they are kept in (``store.py``) and the read-only copy remote and replay engines keep
(``mirror.py``). Qt-free and vendor-free: a mail goes out through a broker's ``notify``."""

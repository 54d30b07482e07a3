"""Orders: the order book (the one source of truth for what this terminal sent), field
validation and the pre-trade risk checks every order passes before it reaches a broker."""

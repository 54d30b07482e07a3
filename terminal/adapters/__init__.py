"""The outside world's formats and transports: vendor quote answers (Sina, QQ), SMTP and the
mail outbox, the ZeroMQ spot server and its clients, crypto venues through ccxt. Imports the
engine; the engine never imports them (it speaks to them through its Feed and Broker base
classes)."""

"""Mail alerts: the mail broker, its options, message templates, the SQLite outbox and the
SMTP sender. Qt-free, so the broker, the command line (`alert-test`) and the tests share one
implementation.
"""

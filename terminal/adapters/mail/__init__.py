"""Mail alerts: options, message templates, the SQLite outbox and the SMTP sender.

Qt-free and plugin-free, so the mail broker plugin, the command line (`alert-test`) and the
tests share one implementation.
"""

"""The ``mail`` broker plugin: orders become emails to a person who trades by hand.

The broker lives in :mod:`terminal.adapters.mail.broker`; this module only registers it."""

from terminal.adapters.mail.broker import MailBroker

PLUGIN = MailBroker

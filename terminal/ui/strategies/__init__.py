"""The strategy manager: instances, their parameters, symbols and commands."""

"""The market watch: watchlist tabs, the table model, columns, painting and saved lists."""

"""The bar engine: session-aware ticks → bars for every timeframe, live and in batch."""

"""History: the provider base class every vendor's history plugin derives from, the request
and its errors, the periods of vendor bars, and the backfill that fetches missing bars in the
background and merges them into the bar store."""

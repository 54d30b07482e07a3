"""History providers of China A-share vendors (Sina, Tencent/QQ, Eastmoney): their K-line
answers into bars with the engine's labels and units (volume in shares), each over HTTP with a
``base_url`` for a mirror or a local server."""

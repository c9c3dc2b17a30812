"""Load on the app without a browser per user: a client that speaks Streamlit's websocket protocol with the
protobuf classes the streamlit package ships, and a Locust user built on it (load/locustfile.py)."""

"""The instrument universe of China's exchanges from a vendor (Eastmoney's list endpoint):
the download, the exchanges' lot and tick rules it is completed with, the daily refresh."""

"""Sina and Tencent (QQ) snapshot quotes of China A-shares: codes, parsers (a compiled
cutter and a pure-Python path) and the HTTP polling feeds."""

"""Snapshot quotes of China A-shares from the Sina and Tencent (QQ) HTTP endpoints."""

"""Fills a bucket in the UI tests' moto for the dataset browser: a small survey
with a CSV, a notebook, an image and a binary in a folder, and a folder of
many objects to scroll through (ui-tests/tests/datasets.spec.ts registers it)."""
import json
import struct
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor

import boto3

BUCKET = "prism-ui-survey"
PREFIX = "survey/"
# More than two pages of the sidebar's default page size (500).
MANY = 1200

STATIONS = """station,latitude,longitude,temperature_c
Ny-Alesund,78.92,11.93,-4.2
Longyearbyen,78.22,15.65,-5.1
Tromso,69.65,18.96,1.3
"""

NOTEBOOK = {
    "nbformat": 4,
    "nbformat_minor": 5,
    "metadata": {},
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Arctic stations\n", "Mean temperatures."]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": ["import pandas as pd\n", "pd.read_csv('stations.csv')"],
        },
    ],
}


def png(width, height, rgb):
    """A tiny solid-colour PNG, made here so no image file is shipped."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
s3.create_bucket(Bucket=BUCKET)
s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}README.txt", Body=b"Arctic survey 2024: station records.\n")
s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}2024/stations.csv", Body=STATIONS.encode(), ContentType="text/csv")
s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}2024/analysis.ipynb", Body=json.dumps(NOTEBOOK).encode())
s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}2024/map.png", Body=png(4, 4, (40, 120, 200)), ContentType="image/png")
s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}2024/raw.bin", Body=bytes(range(256)) * 4)
# Outside the dataset's prefix: the browser never shows it.
s3.put_object(Bucket=BUCKET, Key="elsewhere/secret.txt", Body=b"not part of the dataset\n")

with ThreadPoolExecutor(max_workers=8) as pool:
    list(
        pool.map(
            lambda i: s3.put_object(Bucket=BUCKET, Key=f"{PREFIX}readings/reading-{i:05d}.txt", Body=f"{i}\n".encode()),
            range(MANY),
        )
    )

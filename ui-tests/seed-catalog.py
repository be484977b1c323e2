"""Publishes a small community catalog in the UI tests' moto: an index and two
templates, one building on the other (docs/catalog.md)."""
import json
import sys

import boto3

BUCKET = "prism-ui-catalog"

GIS_BASE = """name: gis-base
title: GIS base
description: GDAL and PROJ from conda-forge.
version: 1.0.0
inherits: amazon-linux
condaChannels: [conda-forge]
packages:
  conda: [python=3.12, gdal, proj]
"""

TERRAIN = """name: terrain-analysis
title: Terrain analysis
description: Raster and vector analysis with geopandas and rasterio.
version: 1.0.0
inherits: gis-base
packages:
  conda: [geopandas, rasterio, jupyterlab]
"""


def entry(name, title, description, inherits, path):
    return {
        "name": name,
        "version": "1.0.0",
        "title": title,
        "description": description,
        "arches": ["arm64", "x86_64"],
        "inherits": inherits,
        "path": path,
        "publishedAt": "2026-11-01T12:00:00Z",
    }


s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1")
s3.create_bucket(Bucket=BUCKET)
s3.put_object(Bucket=BUCKET, Key="templates/gis-base.yaml", Body=GIS_BASE)
s3.put_object(Bucket=BUCKET, Key="templates/terrain-analysis.yaml", Body=TERRAIN)
index = {
    "catalog": {"name": "UI test catalog", "updatedAt": "2026-11-20T09:00:00Z"},
    "templates": [
        entry("gis-base", "GIS base", "GDAL and PROJ from conda-forge.", "amazon-linux", "templates/gis-base.yaml"),
        entry("terrain-analysis", "Terrain analysis", "Raster and vector analysis with geopandas.", "gis-base", "templates/terrain-analysis.yaml"),
    ],
}
s3.put_object(Bucket=BUCKET, Key="index.json", Body=json.dumps(index))

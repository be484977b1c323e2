"""Writes the image list moto serves when started with MOTO_AMIS_PATH.

moto knows no Ubuntu image, and MOTO_AMIS_PATH replaces (not extends) what it
loads: so the file holds moto's own bundled images, the Amazon Linux images
its SSM parameters point at in the regions asked for (moto would load only
the region's own), and Canonical's Ubuntu 24.04
images for arm64 and x86_64 (two releases each, so "newest wins" is exercised).
Generated from the installed moto, so it follows a moto upgrade.

Usage: python moto-amis.py OUTPUT.json [REGION...]   (default region: us-east-1)
"""
import json
import os
import sys

from moto.utilities.utils import load_resource

CANONICAL = "099720109477"
UBUNTU_RELEASES = ["20260801", "20260901"]
UBUNTU_ARCHES = {"arm64": "arm64", "x86_64": "amd64"}


def ubuntu_images():
    for number, (arch, deb_arch) in enumerate(UBUNTU_ARCHES.items()):
        for index, release in enumerate(UBUNTU_RELEASES):
            yield {
                # Fixed ids, so a launch log reads the same from one run to the next.
                "ami_id": f"ami-0b1c2d3e4f50{number}{index}24",
                "state": "available",
                "public": True,
                "owner_id": CANONICAL,
                "image_location": f"amazon/ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-{deb_arch}-server-{release}",
                "root_device_type": "ebs",
                "root_device_name": "/dev/sda1",
                "description": f"Canonical, Ubuntu, 24.04, {deb_arch} noble image",
                "image_type": "machine",
                "platform": None,
                "architecture": arch,
                "name": f"ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-{deb_arch}-server-{release}",
                "virtualization_type": "hvm",
                "hypervisor": "xen",
                "sriov": "simple",
                "creation_date": f"{release[:4]}-{release[4:6]}-{release[6:]}T12:00:00.000Z",
            }


def latest_amazon_linux_images(regions):
    for region in regions:
        yield from load_resource(f"ec2/resources/latest_amis/{region}.json")


def main(output, regions):
    images = {}
    for image in [*load_resource("ec2/resources/amis.json"), *latest_amazon_linux_images(regions), *ubuntu_images()]:
        images.setdefault(image["ami_id"], image)
    # Written whole, then renamed: concurrent test runs never read half a file.
    partial = f"{output}.{os.getpid()}"
    with open(partial, "w", encoding="utf-8") as f:
        json.dump(list(images.values()), f)
    os.replace(partial, output)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:] or ["us-east-1"])

"""A moto server whose S3 already holds many keys, for the dataset listing test.

Putting 100 000 objects into moto over HTTP takes about 330 s here (~300
PutObject a second with 32 requests in flight), far too long for a test; put
straight into moto's S3 backend in this process they take seconds. The server
then runs in the same process (ThreadedMotoServer), so it serves exactly those
keys over HTTP like any moto.

Usage: python moto-with-keys.py PORT BUCKET PREFIX COUNT
Keys: PREFIX + k000000 ... (COUNT of them, one byte each), and PREFIX + k000500x/inner.txt
for every 1000th one, so the listing meets folders between objects.
Prints "ready" on stdout once it answers; stops when stdin closes.
"""
import sys

from moto.core import DEFAULT_ACCOUNT_ID
from moto.s3.models import s3_backends
from moto.server import ThreadedMotoServer


def main(port, bucket, prefix, count):
    backend = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
    backend.create_bucket(bucket, "us-east-1")
    for i in range(count):
        backend.put_object(bucket, f"{prefix}k{i:06d}", b"x")
        if i % 1000 == 500:
            backend.put_object(bucket, f"{prefix}k{i:06d}x/inner.txt", b"inner")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    print("ready", flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]))

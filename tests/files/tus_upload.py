"""Uploads a file with tuspy (the tus project's Python client), as a phone on a dropping
connection would: 1 MiB chunks, each checked by SHA-256. When the connection drops, a new
uploader resumes the same upload from where the server says it stands. Prints one JSON line:
why the first try stopped, where the second resumed, and the file the upload became.

    python tus_upload.py <creation URL> <file>     (the bearer token in TUS_TOKEN)
"""

import hashlib
import json
import os
import sys

from tusclient import client
from tusclient.uploader import Uploader


class Sha256Uploader(Uploader):
    """tuspy checks chunks with sha1 unless told otherwise; this programme's clients use SHA-256."""

    CHECKSUM_ALGORITHM_PAIR = ("sha256", hashlib.sha256)


def main() -> None:
    url, path = sys.argv[1], sys.argv[2]
    tus = client.TusClient(url, headers={"Authorization": "Bearer " + os.environ["TUS_TOKEN"]})
    chunk = 1024 * 1024
    first = Sha256Uploader(
        path,
        client=tus,
        chunk_size=chunk,
        metadata={"filename": os.path.basename(path), "title_ar": "عرض الورشة"},
        upload_checksum=True,
    )
    cut = ""
    try:
        first.upload()
    except Exception as e:  # the connection dropped: tuspy gives up, as it does without retries
        cut = repr(e)
    # A new uploader, as after the app was restarted: it asks where the upload stands (HEAD).
    second = Sha256Uploader(path, client=tus, url=first.url, chunk_size=chunk, upload_checksum=True)
    resumed_at = second.offset
    second.upload()
    print(
        json.dumps(
            {
                "cut": cut,
                "resumed_at": resumed_at,
                "file": second.request.response_headers.get("content-location"),
            }
        )
    )


if __name__ == "__main__":
    main()

"""A partner's first program, written against the client openapi-python-client generates from
openapi/openapi.json: sign in, read a platform, schedule a workshop, attach its guide (a PDF with an
Arabic name, as a multipart upload), invite a member who accepts, list workshops, read the guide
back (whole, then a range) and register. CI runs it against the live server; it fails on any
surprise.

Usage: python example.py BASE_URL MAIL_DIR OUT_DIR
(ADMIN_EMAIL and ADMIN_PASSWORD in the environment). It leaves the admin's and the member's access
tokens in OUT_DIR/admin.token and OUT_DIR/member.token for the fuzzer.
"""

import datetime
import hashlib
import io
import email
import email.policy
import os
import pathlib
import re
import sys
import time

from exchange_client import AuthenticatedClient, Client
from exchange_client.api.auth import accept_invitation, login
from exchange_client.api.files import download_file, upload_file
from exchange_client.api.platforms import get_platform, list_platforms
from exchange_client.api.users import create_user
from exchange_client.api.workshops import create_workshop, list_workshops, register
from exchange_client.models import (
    BilingualInput,
    CreateUserRequest,
    CreateWorkshopRequest,
    FileResponse,
    FileUploadForm,
    LoginRequest,
    PlatformList,
    PlatformResponse,
    RegisterRequest,
    RegistrationResponse,
    TokenPasswordRequest,
    TokenResponse,
    UserResponse,
    WorkshopList,
    WorkshopResponse,
)
from exchange_client.types import File


def expect(response, kind, status):
    if response.status_code != status or not isinstance(response.parsed, kind):
        raise SystemExit(
            f"expected {status} {kind.__name__}, got {response.status_code}: {response.content[:500]!r}"
        )
    return response.parsed


def invitation_token(mail_dir: pathlib.Path, address: str) -> str:
    for _ in range(100):
        for path in sorted(mail_dir.glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            if message["To"] and address in message["To"]:
                text = message.get_body(preferencelist=("plain",)).get_content()
                found = re.search(r"/accept-invitation\?token=([A-Za-z0-9_-]+)", text)
                if found:
                    return found.group(1)
        time.sleep(0.1)
    raise SystemExit(f"no invitation mail to {address} in {mail_dir}")


def main() -> None:
    base_url, mail_dir, out_dir = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    anonymous = Client(base_url=base_url, raise_on_unexpected_status=True)

    tokens = expect(
        login.sync_detailed(
            client=anonymous,
            body=LoginRequest(email=os.environ["ADMIN_EMAIL"], password=os.environ["ADMIN_PASSWORD"]),
        ),
        TokenResponse,
        200,
    )
    admin = AuthenticatedClient(base_url=base_url, token=tokens.access_token)

    platforms = expect(list_platforms.sync_detailed(client=admin, limit=10), PlatformList, 200)
    first = platforms.items[0]
    platform = expect(get_platform.sync_detailed(first.id, client=admin), PlatformResponse, 200)
    assert platform.name.ar, "a platform has an Arabic name"

    starts = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + datetime.timedelta(days=30)
    workshop = expect(
        create_workshop.sync_detailed(
            client=admin,
            body=CreateWorkshopRequest(
                platform_id=platform.id,
                title=BilingualInput(ar="ورشة تبادل الخبرات", en="Experience exchange workshop"),
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=3),
                online_url="https://meet.example.org/exchange",
                status="scheduled",
                capacity=30,
            ),
        ),
        WorkshopResponse,
        201,
    )

    guide = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"%" + bytes(range(32, 127)) * 200 + b"\n%%EOF\n"
    uploaded = expect(
        upload_file.sync_detailed(
            workshop.id,
            client=admin,
            body=FileUploadForm(
                file=File(payload=io.BytesIO(guide), file_name="دليل الورشة.pdf", mime_type="application/pdf"),
                title_ar="دليل الورشة",
                title_en="Workshop guide",
            ),
        ),
        FileResponse,
        201,
    )
    assert uploaded.sha256 == hashlib.sha256(guide).hexdigest(), "the server hashed the bytes sent"
    assert uploaded.name == "دليل الورشة.pdf" and uploaded.content_type == "application/pdf"

    address = f"member-{int(time.time() * 1000)}@example.org"
    expect(
        create_user.sync_detailed(
            client=admin,
            body=CreateUserRequest(
                email=address,
                name=BilingualInput(ar="عضوة المنصة", en="Platform member"),
                gender="female",
            ),
        ),
        UserResponse,
        201,
    )
    member_tokens = expect(
        accept_invitation.sync_detailed(
            client=anonymous,
            body=TokenPasswordRequest(
                token=invitation_token(mail_dir, address), password="a member's long passphrase"
            ),
        ),
        TokenResponse,
        200,
    )
    member = AuthenticatedClient(base_url=base_url, token=member_tokens.access_token)

    listed = expect(list_workshops.sync_detailed(client=member, limit=100), WorkshopList, 200)
    assert any(w.id == workshop.id for w in listed.items), "the new workshop is listed"
    whole = download_file.sync_detailed(uploaded.id, client=member)
    assert whole.status_code == 200 and whole.content == guide, "the guide reads back whole"
    part = download_file.sync_detailed(uploaded.id, client=member, range_="bytes=9-44")
    assert part.status_code == 206 and part.content == guide[9:45], "and by range"
    registration = expect(
        register.sync_detailed(workshop.id, client=member, body=RegisterRequest()),
        RegistrationResponse,
        201,
    )
    assert registration.workshop_id == workshop.id

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "admin.token").write_text(tokens.access_token)
    (out_dir / "member.token").write_text(member_tokens.access_token)
    print(
        f"python client: platform {platform.slug}, workshop {workshop.id}, guide {uploaded.id} "
        f"read back, member registered"
    )


if __name__ == "__main__":
    main()

"""Calls through the client openapi-generator makes (its `python` generator, default settings),
against the live server: the platforms list and one platform, parsed into the generated models;
then, signed in as the administrator (ADMIN_EMAIL, ADMIN_PASSWORD), a guide uploaded to a platform
as a multipart form under an Arabic name, listed, and read back whole and by range; and a document
planned, its first version uploaded, published, read back, its download counted, and found
by the search.
Usage: generator_example.py BASE_URL"""

import hashlib
import os
import sys

import openapi_client


def main() -> None:
    config = openapi_client.Configuration(host=sys.argv[1])
    with openapi_client.ApiClient(config) as client:
        platforms = openapi_client.PlatformsApi(client)
        page = platforms.list_platforms(limit=5)
        assert page.items, "the seeded platforms are listed"
        first = platforms.get_platform(page.items[0].id)
        assert first.id == page.items[0].id
        assert first.name.ar, "a platform has its Arabic name"
        tokens = openapi_client.AuthApi(client).login(
            openapi_client.LoginRequest(
                email=os.environ["ADMIN_EMAIL"], password=os.environ["ADMIN_PASSWORD"]
            )
        )
    config.access_token = tokens.access_token
    guide = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + b"x" * 4000 + b"\n%%EOF\n"
    with openapi_client.ApiClient(config) as client:
        files = openapi_client.FilesApi(client)
        uploaded = files.upload_guide(
            first.id,
            file=("دليل إدارة المشاريع.pdf", guide),
            title_ar="دليل إدارة المشاريع",
            title_en="Project management guide",
        )
        assert uploaded.purpose == openapi_client.FilePurpose.GUIDE
        assert uploaded.guide_platform_id == first.id
        assert uploaded.name == "دليل إدارة المشاريع.pdf", uploaded.name
        assert uploaded.sha256 == hashlib.sha256(guide).hexdigest()
        listed = files.list_guides(first.id, limit=100)
        assert uploaded.id in [f.id for f in listed.items], "the guide is listed"
        whole = files.download_file_with_http_info(uploaded.id)
        assert whole.status_code == 200 and bytes(whole.data) == guide, "read back whole"
        part = files.download_file_with_http_info(uploaded.id, range="bytes=9-44")
        assert part.status_code == 206 and bytes(part.data) == guide[9:45], "and by range"
        documents = openapi_client.DocumentsApi(client)
        planned = documents.create_document(
            openapi_client.CreateDocumentRequest(
                platform_id=first.id,
                kind=openapi_client.DocumentKind.GUIDE,
                title=openapi_client.BilingualInput(
                    ar="دليل عام حول الهندسة والتخطيط", en="A general guide"
                ),
            )
        )
        assert planned.status == openapi_client.DocumentStatus.PLANNED
        assert planned.content_url is None, "no version yet"
        version = documents.upload_document_version(
            planned.id, file=("الدليل العام.pdf", guide), title_ar="النسخة الأولى"
        )
        assert version.document_id == planned.id and version.document_version == 1
        published = documents.transition_document(
            planned.id,
            openapi_client.DocumentTransitionRequest(to=openapi_client.DocumentStatus.PUBLISHED),
        )
        assert published.status == openapi_client.DocumentStatus.PUBLISHED
        read = documents.download_document_with_http_info(planned.id)
        assert read.status_code == 200 and bytes(read.data) == guide, "the latest version"
        assert documents.get_document(planned.id).download_count == 1, "one download counted"
        # The one search finds it, with the words found marked in its snippet.
        hits = openapi_client.SearchApi(client).search_all(
            q="الدليل العام", type=openapi_client.HitKind.DOCUMENT, limit=100
        )
        hit = next((h for h in hits.items if h.id == planned.id), None)
        assert hit is not None, "the search finds the published document"
        assert hit.href == f"/api/v1/documents/{planned.id}", hit.href
        assert [s.text for s in hit.snippet if s.hit] == ["دليل", "عام"], hit.snippet
    print(
        f"openapi-generator python client: {len(page.items)} platforms, first {first.slug}, "
        f"guide {uploaded.id} uploaded and read back, document {planned.id} published, read and found"
    )


if __name__ == "__main__":
    main()

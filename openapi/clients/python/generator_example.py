"""One call through the client openapi-generator makes (its `python` generator, default
settings), against the live server: the platforms list and one platform, parsed into the
generated models. Usage: generator_example.py BASE_URL"""

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
        print(f"openapi-generator python client: {len(page.items)} platforms, first {first.slug}")


if __name__ == "__main__":
    main()

# Varnish as an RFC 9111 shared cache in front of the API, for tests/cache/check.py.
# Varnish's own gzip handling is off (http_gzip_support=off on the command line), so that
# Accept-Encoding is negotiated by the API and kept apart by its Vary field alone.
vcl 4.1;

backend api {
    .host = "127.0.0.1";
    .port = "BACKEND_PORT";
}

sub vcl_backend_response {
    # `no-cache` (RFC 9111 §5.2.2.4) may be stored but must be revalidated before each use:
    # kept (`keep`) past a near-zero ttl, so that every later request for the same variant is a
    # conditional fetch with the stored ETag, and a 304 serves the stored body.
    if (beresp.http.Cache-Control ~ "(?i)no-cache"
        && beresp.http.Cache-Control !~ "(?i)(no-store|private)") {
        set beresp.ttl = 0.001s;
        set beresp.grace = 0s;
        set beresp.keep = 10m;
        if (beresp.was_304) {
            set beresp.http.X-Served-From-Cache = "revalidated";
        } else {
            unset beresp.http.X-Served-From-Cache;
        }
        return (deliver);
    }
}

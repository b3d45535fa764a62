vcl 4.1;

import std;

# Varnish in front of Sokudo. ${SOKUDO_HOST} and ${SOKUDO_PORT} are filled in before varnishd reads
# this file, e.g. `envsubst '${SOKUDO_HOST} ${SOKUDO_PORT}' < default.vcl > /etc/varnish/default.vcl`.
# Sokudo marks shared answers `Cache-Control: public, max-age=...` with their index keys in
# `Surrogate-Key`, and purges with `BAN` (CDN_PURGE_KIND=varnish, CDN_PURGE_URL=http://<varnish>/).

backend sokudo {
  .host = "${SOKUDO_HOST}";
  .port = "${SOKUDO_PORT}";
}

# Who may purge: Sokudo's instances.
acl purgers {
  "127.0.0.1";
  "::1";
}

sub vcl_recv {
  if (req.method == "BAN") {
    if (client.ip !~ purgers) {
      return (synth(403, "Forbidden"));
    }
    if (!req.http.X-Ban-Surrogate-Key) {
      return (synth(400, "X-Ban-Surrogate-Key missing"));
    }
    # The header is a regular expression over the space-separated keys, built by src/cache/cdn-purge.ts
    # without spaces or quotes: ban() splits its argument at spaces.
    if (!std.ban("obj.http.Surrogate-Key ~ " + req.http.X-Ban-Surrogate-Key)) {
      return (synth(400, std.ban_error()));
    }
    return (synth(200, "Banned"));
  }
  # Per-viewer requests never reach the cache, in either direction.
  if (req.http.Authorization) {
    return (pass);
  }
  if (req.method != "GET" && req.method != "HEAD") {
    return (pass);
  }
  return (hash);
}

sub vcl_backend_response {
  # Only what Sokudo marks shared is kept; everything else is fetched anew every time.
  if (beresp.http.Cache-Control !~ "(^|[ ,])public([ ,]|$)") {
    set beresp.uncacheable = true;
    set beresp.ttl = 120s;
    return (deliver);
  }
}

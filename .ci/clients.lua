-- wrk: each request comes from one of 4096 client addresses behind a trusted proxy
-- (X-Forwarded-For), so that the per-address request rate is counted at its default on every
-- request without one address's quota holding the whole load back.
-- ACCEPT_ENCODING (e.g. gzip), when set, is sent on every request.
local n = 0
local encoding = os.getenv("ACCEPT_ENCODING")
request = function()
  n = n + 1
  local a = n % 4096
  local from = "10.77." .. math.floor(a / 256) .. "." .. (a % 256)
  local headers = { ["X-Forwarded-For"] = from }
  if encoding and encoding ~= "" then headers["Accept-Encoding"] = encoding end
  return wrk.format(nil, nil, headers)
end

-- wrk: each request comes from one of 4096 client addresses behind a trusted proxy
-- (X-Forwarded-For), so that the per-address request rate is counted at its default on every
-- request without one address's quota holding the whole load back.
local n = 0
request = function()
  n = n + 1
  local a = n % 4096
  local from = "10.77." .. math.floor(a / 256) .. "." .. (a % 256)
  return wrk.format(nil, nil, { ["X-Forwarded-For"] = from })
end

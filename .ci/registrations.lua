-- wrk: members register for workshops. Request k of the run registers a member for a workshop
-- from FIRST_WORKSHOP, every pair once: spread (the default), member (k / WORKSHOPS) % MEMBERS
-- at the (k % WORKSHOPS)-th workshop, so the connections in flight register for different
-- workshops; with HOT=1, member k % MEMBERS at the (k / MEMBERS)-th workshop, so they all
-- register for the same workshop or two at a time (a popular workshop opening).
-- Both threads share the sequence (thread t takes every THREADS-th k). TOKENS names a file of
-- access tokens, one a line; a registration answered 201 counts, anything else is reported by wrk.
local tokens = {}
local members, first, threads, k, workshops, hot = 0, 0, 1, 0, 1, false
local counter = 0

setup = function(thread)
  thread:set("me", counter)
  counter = counter + 1
end

init = function(args)
  for line in io.lines(os.getenv("TOKENS")) do
    if line ~= "" then table.insert(tokens, line) end
  end
  members = #tokens
  first = tonumber(os.getenv("FIRST_WORKSHOP"))
  threads = tonumber(os.getenv("THREADS") or "2")
  workshops = tonumber(os.getenv("WORKSHOPS") or "3000")
  hot = os.getenv("HOT") == "1"
  k = me
end

request = function()
  local member, workshop
  if hot then
    member, workshop = k % members, first + math.floor(k / members)
  else
    member, workshop = math.floor(k / workshops) % members, first + k % workshops
  end
  k = k + threads
  return wrk.format("POST", "/api/v1/workshops/" .. workshop .. "/registrations", {
    ["Authorization"] = "Bearer " .. tokens[member + 1],
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = "10.78.0." .. (member % 250 + 1),
  }, "{}")
end

-- The first answer of each kind other than 201 is shown (on standard error), so that a refusal
-- under load says what it was.
local shown = {}
response = function(status, headers, body)
  if status ~= 201 and not shown[status] then
    shown[status] = true
    io.stderr:write("registration answered " .. status .. ": " .. string.sub(body, 1, 400) .. "\n")
  end
end

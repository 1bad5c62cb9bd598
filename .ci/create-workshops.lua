-- wrk: coordinators creating workshops at once (POST /api/v1/workshops, one body, new rows each
-- time). TOKEN is an administrator's access token, PLATFORM the platform's id.
local body = string.format([[{"platform_id": %s, "title": {"ar": "ورشة تبادل خبرات", "en": "Exchange workshop"},
 "description": {"ar": "", "en": ""}, "starts_at": "2027-06-01T08:00:00Z", "ends_at": "2027-06-01T11:00:00Z",
 "venue": {"city": "رام الله", "address": "قاعة البلدية", "city_en": "Ramallah", "address_en": "Town hall"},
 "capacity": 40, "status": "scheduled"}]], os.getenv("PLATFORM"))
request = function()
  return wrk.format("POST", "/api/v1/workshops", {
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Content-Type"] = "application/json",
    ["X-Forwarded-For"] = "10.79.0.1",
  }, body)
end

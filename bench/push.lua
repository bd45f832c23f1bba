-- wrk: pushes status events through the API to random pratiche, each with
-- its own Idempotency-Key. Arguments: codes file, token, state id, instant,
-- and a public note (optional: with one, every push changes the public page).
-- The report line comes from p95.lua.
dofile(os.getenv("BENCH_DIR") .. "/p95.lua")

local counter = 0
local thread_number = 0
local codes = {}

thread_setup = function(thread)
  thread_number = thread_number + 1
  thread:set("prefix", string.format("bench-%d-%d", os.time(), thread_number))
end

init = function(args)
  for line in io.lines(args[1]) do
    codes[#codes + 1] = line
  end
  token = args[2]
  if args[5] ~= nil and args[5] ~= "" then
    body = string.format('{"state_id":%s,"occurred_at":"%s","public_note":"%s"}', args[3], args[4], args[5])
  else
    body = string.format('{"state_id":%s,"occurred_at":"%s"}', args[3], args[4])
  end
  -- Each thread its own sequence of pratiche: seeded by its number (two
  -- threads seeded alike would push the same pratiche at the same moments).
  math.randomseed(os.time() + 1000 * tonumber(prefix:match("(%d+)$")))
end

request = function()
  counter = counter + 1
  local code = codes[math.random(#codes)]
  return wrk.format("POST", "/api/v1/pratiche/" .. code .. "/events", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = prefix .. "-" .. counter,
  }, body)
end

-- wrk: GETs a random path of the file given as the first argument (one
-- path per line), so every request reads a different pratica. With
-- BENCH_CLIENTS=N each request comes from one of N client addresses
-- (X-Forwarded-For, for a server that trusts 127.0.0.1 as its proxy). The
-- report line comes from p95.lua.
dofile(os.getenv("BENCH_DIR") .. "/p95.lua")

local paths = {}

init = function(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

local clients = tonumber(os.getenv("BENCH_CLIENTS") or "0")

request = function()
  local headers = nil
  if clients > 0 then
    local n = math.random(clients)
    headers = { ["X-Forwarded-For"] = string.format("198.18.%d.%d", math.floor(n / 256) % 256, n % 256) }
  end
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

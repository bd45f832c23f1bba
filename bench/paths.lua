-- wrk: GETs a random path of the file given as the first argument (one
-- path per line), so every request reads a different pratica. The report
-- line comes from p95.lua.
dofile(os.getenv("BENCH_DIR") .. "/p95.lua")

local paths = {}

init = function(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end

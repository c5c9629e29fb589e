-- wrk script: GET /v1/lots/{id} over the lot IDs in a file (one per line), each thread from its own offset.
local created = 0
local lots = {}
local counter = 0

function setup(thread)
  thread:set("offset", created * 7919)
  created = created + 1
end

function init(args)
  for line in io.lines(args[1]) do lots[#lots + 1] = line end
  counter = offset
end

function request()
  counter = counter + 1
  return wrk.format("GET", "/v1/lots/" .. lots[(counter % #lots) + 1])
end

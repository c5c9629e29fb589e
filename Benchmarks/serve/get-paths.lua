-- wrk script: GET the paths listed in a file (one per line, e.g. /v1/lots/LOT-1), each thread from its own offset.
local created = 0
local paths = {}
local counter = 0

function setup(thread)
  thread:set("offset", created * 7919)
  created = created + 1
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  counter = offset
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

-- wrk: the refresh_token grant with rotation (every refresh token is single-use on both servers). Each
-- connection carries a chain: the refresh token a response returns is sent by a later request, never twice.
-- Starting tokens come from $WRK_TOKENS (one a line): thread i of $WRK_THREADS takes lines i, i + n, ...;
-- the ones beyond its connections are spares for chains that break (a non-200 loses its token).
-- $WRK_AUTH is the Authorization header (client_secret_basic on both servers).
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

function init(args)
  local n, i = tonumber(os.getenv("WRK_THREADS") or "1"), 0
  queue = {}
  for line in io.lines(os.getenv("WRK_TOKENS")) do
    if i % n == id then queue[#queue + 1] = line end
    i = i + 1
  end
  headers = { ["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = os.getenv("WRK_AUTH") }
end

function request()
  -- With no token left the last one goes again: the server refuses it (and counts it as reuse).
  last = table.remove(queue) or last
  return wrk.format("POST", nil, headers, "grant_type=refresh_token&refresh_token=" .. last)
end

function response(status, headers, body)
  if status == 200 then
    local token = body:match('"refresh_token"%s*:%s*"([^"]+)"')
    if token then queue[#queue + 1] = token end
  end
end

-- wrk script: each request submits one complete ballot with the next unused invitation.
-- Usage: see loadtest/quick/run.sh. Each wrk thread takes every n-th invitation of the list.
local threads = {}
local counter = 0

function setup(thread)
    thread:set("id", counter)
    counter = counter + 1
    table.insert(threads, thread)
end

function init(args)
    local template = io.open(args[1]):read("*a")
    local tokens = {}
    local n = 0
    for line in io.lines(args[2]) do
        n = n + 1
        if n > 1 and (n % tonumber(args[3])) == id then
            local token = line:match("^[^,]*,[^,]*,[^,]*,([^,]*),")
            table.insert(tokens, token)
        end
    end
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    local i = 0
    request = function()
        i = i + 1
        local token = tokens[i] or "exhausted0000000000000"
        return wrk.format(nil, nil, nil, (template:gsub("__TOKEN__", token)))
    end
    created = 0
end

function response(status, headers, body)
    if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    io.write(string.format("requests: %d  non-2xx/3xx: %d  ballots/s: %.0f  p50_ms: %.1f  p99_ms: %.1f  max_ms: %.1f\n",
        summary.requests, summary.errors.status, (summary.requests - summary.errors.status) / seconds,
        latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end

-- Drives the AMI language server through Neovim's own LSP client (its Lua JSON-RPC framing, change tracking and
-- incremental sync), for `npm run bench:lsp`. Works with Neovim 0.7+ (vim.lsp.start_client).
-- Run: nvim --headless --clean -c "luafile bench/nvimClient.lua"; reads its inputs from AMI_NVIM_* environment
-- variables and writes its figures as JSON to AMI_NVIM_OUT. Times are wall clock, in milliseconds.
local env = vim.env
local uv = vim.loop
local out_path = env.AMI_NVIM_OUT
local samples = tonumber(env.AMI_NVIM_SAMPLES or '100')
local edit_line = tonumber(env.AMI_NVIM_EDIT_LINE) -- 0-based line of an `Exten: ` header
local action_line = tonumber(env.AMI_NVIM_ACTION_LINE) -- 0-based line of `Action: Originate`
local result = { samples = samples }

local function now_ms()
  return uv.hrtime() / 1e6
end

--- CPU time (user + system) process `pid` has used so far, in ms (10 ms ticks), or nil where /proc cannot tell.
local function cpu_ms_of(pid)
  if not pid then return nil end
  local file = io.open('/proc/' .. pid .. '/stat')
  if not file then return nil end
  local stat = file:read('*a')
  file:close()
  local fields = {}
  for field in stat:match('%) (.*)'):gmatch('%S+') do table.insert(fields, field) end
  return (tonumber(fields[12]) + tonumber(fields[13])) * 10
end

local function finish(err)
  if err then result.error = err end
  local file = io.open(out_path, 'w')
  file:write(vim.json.encode(result))
  file:close()
  vim.cmd('qall!')
end

local ok, failure = pcall(function()
  local diagnostics_at = nil
  local diagnostics_count = nil
  -- node, its options (space-separated, as editors are told to start the server), the server.
  local cmd = { env.AMI_NVIM_NODE }
  for option in string.gmatch(env.AMI_NVIM_NODE_OPTIONS or '', '%S+') do table.insert(cmd, option) end
  table.insert(cmd, env.AMI_NVIM_SERVER)
  table.insert(cmd, '--stdio')
  local client_id = vim.lsp.start_client({
    name = 'ami',
    cmd = cmd,
    root_dir = env.AMI_NVIM_ROOT,
    settings = { ami = { asteriskVersion = '23' } },
    flags = { debounce_text_changes = 0 },
    handlers = {
      ['textDocument/publishDiagnostics'] = function(_, params)
        if diagnostics_at == nil then
          diagnostics_at = now_ms()
          diagnostics_count = #params.diagnostics
        end
      end,
    },
  })
  if not client_id then error('vim.lsp.start_client failed') end
  local client = vim.lsp.get_client_by_id(client_id)
  local started = now_ms()
  if not vim.wait(20000, function() return client.initialized end, 1) then error('the server did not initialize') end
  result.initialize_ms = now_ms() - started

  -- Opening: the buffer is read first; didOpen (with the whole text) is sent when the client attaches.
  vim.cmd('edit ' .. vim.fn.fnameescape(env.AMI_NVIM_FILE))
  local buffer = vim.api.nvim_get_current_buf()
  vim.bo[buffer].filetype = 'ami'
  local pid = client.rpc and client.rpc.pid
  local cpu_before = cpu_ms_of(pid)
  local opened = now_ms()
  vim.lsp.buf_attach_client(buffer, client_id)
  if not vim.wait(60000, function() return diagnostics_at ~= nil end, 1) then error('no diagnostics within 60 s') end
  result.first_diagnostics_ms = diagnostics_at - opened
  result.first_diagnostics_count = diagnostics_count
  local cpu_after = cpu_ms_of(pid)
  if cpu_before and cpu_after then result.first_diagnostics_server_cpu_ms = cpu_after - cpu_before end
  -- For attribution: what the client itself does before the first byte, i.e. the buffer's text and its JSON.
  local prep_started = now_ms()
  local text = table.concat(vim.api.nvim_buf_get_lines(buffer, 0, -1, true), '\n') .. '\n'
  vim.json.encode({ jsonrpc = '2.0', method = 'textDocument/didOpen', params = { textDocument = { uri = vim.uri_from_bufnr(buffer), languageId = 'ami', version = 0, text = text } } })
  result.open_prep_ms = now_ms() - prep_started

  local function request(method, params)
    local done = false
    local response_error = nil
    local size = 0
    local begin = now_ms()
    client.request(method, params, function(err, response)
      response_error = err
      if method == 'textDocument/completion' and response then
        size = #(response.items or response)
      end
      done = true
    end, buffer)
    if not vim.wait(20000, function() return done end, 1) then error(method .. ' got no answer within 20 s') end
    if response_error then error(method .. ': ' .. vim.inspect(response_error)) end
    return now_ms() - begin, size
  end

  local uri = vim.uri_from_bufnr(buffer)
  local header_times, action_times, hover_times = {}, {}, {}
  for sample = 1, samples do
    -- One keystroke in the middle of the file (Neovim sends it as an incremental didChange), then the requests.
    vim.api.nvim_buf_set_text(buffer, edit_line, 7, edit_line, 7, { tostring(sample % 10) })
    local elapsed, items = request('textDocument/completion', { textDocument = { uri = uri }, position = { line = edit_line + 1, character = 0 } })
    header_times[sample] = elapsed
    result.header_items = items
    elapsed, items = request('textDocument/completion', { textDocument = { uri = uri }, position = { line = action_line, character = 12 } })
    action_times[sample] = elapsed
    result.action_items = items
    hover_times[sample] = request('textDocument/hover', { textDocument = { uri = uri }, position = { line = action_line, character = 12 } })
  end
  result.header_completion_ms = header_times
  result.action_completion_ms = action_times
  result.hover_ms = hover_times
  if pid then
    local status = io.open('/proc/' .. pid .. '/status')
    if status then
      local text = status:read('*a')
      status:close()
      result.server_peak_kb = tonumber(text:match('VmHWM:%s+(%d+)'))
    end
  end
  client.stop(true)
end)

finish(not ok and tostring(failure) or nil)

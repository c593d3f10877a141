-- Helpers for the Neovim scenarios (test/nvim/scenarios/*.lua): a scenario runs as a coroutine that yields to the
-- editor while it waits (so LSP messages and typed keys are processed), records results, and writes them as JSON to
-- $AMI_NVIM_OUT before quitting. Works on Neovim 0.7 and later.
local M = {}

M.results = {}
M.logs = {}
M.messages = {}
M.notifications = {}

local finished = false
local resume

local function finish(err)
  if finished then return end
  finished = true
  M.results.error = err
  M.results.logs = M.logs
  M.results.messages = M.messages
  M.results.notifications = M.notifications
  local file = assert(io.open(os.getenv('AMI_NVIM_OUT'), 'w'))
  file:write(vim.fn.json_encode(M.results))
  file:close()
  vim.cmd('qall!')
end

--- Records window/logMessage and window/showMessage; call before any client starts (from the init file).
function M.prelude()
  vim.o.swapfile = false
  vim.o.shortmess = vim.o.shortmess .. 'I'
  vim.lsp.handlers['window/logMessage'] = function(_, result)
    table.insert(M.logs, result)
  end
  vim.lsp.handlers['window/showMessage'] = function(_, result)
    table.insert(M.messages, result)
  end
  -- What the client itself tells the user (LSP errors surface here), recorded as { message, level }.
  local notify = vim.notify
  vim.notify = function(message, level, opts)
    table.insert(M.notifications, { message = tostring(message), level = level or vim.log.levels.INFO })
    return notify(message, level, opts)
  end
end

--- Runs `body` as the scenario; an error (or a stall past `limit_ms`) is recorded as the result's `error`.
function M.run(body, limit_ms)
  local co = coroutine.create(body)
  resume = function()
    if finished or coroutine.status(co) == 'dead' then return end
    local ok, err = coroutine.resume(co)
    if not ok then
      finish(debug.traceback(co, tostring(err)))
    elseif coroutine.status(co) == 'dead' then
      finish(nil)
    end
  end
  vim.defer_fn(function() finish('the scenario did not finish within ' .. (limit_ms or 60000) .. ' ms') end, limit_ms or 60000)
  vim.schedule(resume)
end

--- Waits, yielding to the editor, until `condition()` returns a truthy value; returns it.
function M.wait_for(what, condition, timeout_ms)
  local deadline = vim.loop.now() + (timeout_ms or 20000)
  while true do
    local ok, value = pcall(condition)
    if ok and value then return value end
    if vim.loop.now() > deadline then
      local where = string.format(' (mode %s, line %q)', vim.fn.mode(), vim.api.nvim_get_current_line())
      error('timed out waiting for ' .. what .. where .. (ok and '' or (': ' .. tostring(value))), 2)
    end
    vim.defer_fn(resume, 20)
    coroutine.yield()
  end
end

--- Yields to the editor for `ms`.
function M.sleep(ms)
  vim.defer_fn(resume, ms)
  coroutine.yield()
end

--- The AMI client attached to `bufnr` (vim.lsp.get_clients on 0.10+, get_active_clients before).
function M.client(bufnr)
  local clients = vim.lsp.get_clients and vim.lsp.get_clients({ bufnr = bufnr }) or vim.lsp.buf_get_clients(bufnr)
  for _, client in pairs(clients) do
    if client.name == 'ami' then return client end
  end
  return nil
end

--- Waits until the AMI client is attached to `bufnr` and initialized.
function M.attached(bufnr)
  return M.wait_for('the ami language server to attach', function()
    local client = M.client(bufnr)
    return client and client.initialized and client
  end)
end

--- A request with the cursor's position params at (1-based row, 0-based byte col), answered synchronously.
function M.request_at(bufnr, row, col, method, extra)
  vim.api.nvim_win_set_cursor(0, { row, col })
  local params = vim.lsp.util.make_position_params()
  for key, value in pairs(extra or {}) do params[key] = value end
  local answers, err = vim.lsp.buf_request_sync(bufnr, method, params, 10000)
  if not answers then error(method .. ' failed: ' .. tostring(err), 2) end
  for _, answer in pairs(answers) do
    if answer.err then error(method .. ' answered an error: ' .. vim.inspect(answer.err), 2) end
    return answer.result
  end
  return nil
end

--- Diagnostics of `bufnr` as { line (0-based), code, severity, message }.
function M.diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, { line = d.lnum, code = d.code, severity = d.severity, message = d.message })
  end
  table.sort(out, function(a, b) return a.line < b.line end)
  return out
end

--- True when the diagnostics of `bufnr` include `code` on 0-based `line`.
function M.has_code(bufnr, line, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.lnum == line and d.code == code then return true end
  end
  return false
end

--- The buffer's text.
function M.text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
end

--- Types `keys` as the user would (mapped keys, terminal codes like <C-x> replaced).
function M.type_keys(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'm', false)
end

return M

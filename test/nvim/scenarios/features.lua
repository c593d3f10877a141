-- The language features as a Neovim user meets them, on calls.ami (see test/nvim/neovim.test.ts for its lines):
-- diagnostics with codes, hover, definition, a quick fix applied, formatting, rename, the branch changed with
-- workspace/didChangeConfiguration, and completion typed with the built-in omnifunc.
local t = require('amitest')
local r = t.results

t.run(function()
  local buf = vim.api.nvim_get_current_buf()
  r.filetype = vim.bo[buf].filetype
  local client = t.attached(buf)
  local caps = client.server_capabilities or client.resolved_capabilities
  r.resolve_provider = caps.completionProvider and caps.completionProvider.resolveProvider or false

  -- Diagnostics with codes, checked against the branch from init_options.
  t.wait_for('diagnostics', function() return t.has_code(buf, 16, 'ami-action-case') end)
  r.diagnostics = t.diagnostics(buf)
  r.logs_after_open = vim.deepcopy(t.logs)

  -- Hover on the action name.
  local hover = t.request_at(buf, 5, 10, 'textDocument/hover')
  r.hover = hover and hover.contents

  -- Definition from {{call.Channel}} (cursor on "Channel"): the raw answer, then where Neovim's jump lands.
  r.definition_answer = t.request_at(buf, 13, 17, 'textDocument/definition')
  vim.api.nvim_win_set_cursor(0, { 13, 17 })
  vim.lsp.buf.definition()
  r.definition_cursor = t.wait_for('the jump to the definition', function()
    local cursor = vim.api.nvim_win_get_cursor(0)
    return cursor[1] ~= 13 and cursor
  end)
  -- And asked on the `# @name call` line itself.
  r.definition_on_name = t.request_at(buf, 4, 10, 'textDocument/definition')

  -- The quick fix for `Action: ping`, chosen the way a user picks it from vim.ui.select.
  local offered = {}
  vim.ui.select = function(items, opts, on_choice)
    for index, item in ipairs(items) do
      local action = item[2] or item.action or item
      table.insert(offered, action.title)
      if action.title == 'Change to "Ping"' then return on_choice(item, index) end
    end
    on_choice(nil, nil)
  end
  vim.api.nvim_win_set_cursor(0, { 17, 9 })
  vim.lsp.buf.code_action()
  r.code_action_line = t.wait_for('the quick fix to change the line', function()
    local line = vim.api.nvim_buf_get_lines(buf, 16, 17, false)[1]
    return line ~= 'Action: ping' and line
  end)
  r.code_actions_offered = offered

  -- Formatting.
  if vim.lsp.buf.format then vim.lsp.buf.format({ async = false }) else vim.lsp.buf.formatting_sync(nil, 10000) end
  r.formatted_line = vim.api.nvim_buf_get_lines(buf, 7, 8, false)[1]

  -- Rename the block from its `# @name` line.
  vim.api.nvim_win_set_cursor(0, { 4, 9 })
  vim.lsp.buf.rename('originated')
  t.wait_for('the rename', function() return t.text(buf):find('{{originated.Channel}}', 1, true) end)
  r.renamed_lines = { vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1], vim.api.nvim_buf_get_lines(buf, 12, 13, false)[1] }

  -- The branch from workspace/didChangeConfiguration: SIPpeers is gone after Asterisk 20.
  -- As a user does it: the client's settings (answered to workspace/configuration on 0.8+), then the notification.
  local settings = { ami = { asteriskVersion = '23' } }
  if client.config then client.config.settings = settings end
  if client.settings then client.settings = settings end
  client.notify('workspace/didChangeConfiguration', { settings = settings })
  t.wait_for('SIPpeers flagged for Asterisk 23', function() return t.has_code(buf, 14, 'ami-action-not-in-version') end)
  r.diagnostics_after_change = t.diagnostics(buf)

  -- Completion typed in insert mode with the built-in omnifunc (what `<C-x><C-o>` gives a user).
  r.omnifunc = vim.bo[buf].omnifunc
  local last = vim.api.nvim_buf_line_count(buf)
  vim.api.nvim_win_set_cursor(0, { last, 0 })
  local line = vim.api.nvim_get_current_line
  -- Accepts the selected item when a menu is shown (several matches), then waits for it to close.
  local function accept()
    if vim.fn.pumvisible() == 1 then t.type_keys('<C-y>') end
    t.wait_for('the completion menu to close', function() return vim.fn.pumvisible() == 0 end)
  end
  t.type_keys('o<CR>Act')
  t.wait_for('"Act" typed', function() return line() == 'Act' end)
  t.type_keys('<C-x><C-o>')
  t.wait_for('"Act" completed', function() return line() ~= 'Act' end)
  r.pum_words_act = vim.tbl_map(function(item) return item.word end, vim.fn.complete_info({ 'items' }).items or {})
  accept()
  r.after_act = line()
  t.type_keys('Originat')
  t.wait_for('"Originat" typed', function() return line() == 'Action: Originat' end)
  t.type_keys('<C-x><C-o>')
  t.wait_for('"Originat" completed', function() return line() ~= 'Action: Originat' end)
  accept()
  r.after_action = line()
  t.type_keys('<CR>Chann')
  t.wait_for('"Chann" typed', function() return line() == 'Chann' end)
  t.type_keys('<C-x><C-o>')
  t.wait_for('"Chann" completed', function() return line() ~= 'Chann' end)
  accept()
  r.after_header = line()
  t.type_keys('<Esc>')
  t.wait_for('normal mode', function() return vim.fn.mode() == 'n' end)
  local count = vim.api.nvim_buf_line_count(buf)
  r.typed_block = vim.api.nvim_buf_get_lines(buf, count - 2, count, false)

  -- The raw completion answer on the empty line 2 (where the action templates are offered to snippet clients).
  local answer = t.request_at(buf, 2, 0, 'textDocument/completion')
  local items = answer and (answer.items or answer) or {}
  r.empty_line_items = vim.tbl_map(function(item)
    return {
      label = item.label,
      format = item.insertTextFormat,
      text = item.textEdit and item.textEdit.newText or item.insertText,
      command = item.command and item.command.command,
      has_doc = item.documentation ~= nil,
    }
  end, items)
  r.logs_at_end = vim.deepcopy(t.logs)
end)

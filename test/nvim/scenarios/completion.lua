-- The raw completion answers Neovim gets on calls.ami, and what Neovim's own conversion makes of them (the words
-- its omnifunc would insert): on the empty line 2, after "Action: " (line 5) and in a `{{` reference (line 13).
local t = require('amitest')
local r = t.results

local function describe(answer, prefix)
  local items = answer and (answer.items or answer) or {}
  local out = {}
  for _, item in ipairs(items) do
    table.insert(out, {
      label = item.label,
      format = item.insertTextFormat,
      text = item.textEdit and item.textEdit.newText or item.insertText,
      command = item.command and item.command.command,
      doc_kind = type(item.documentation) == 'table' and item.documentation.kind or type(item.documentation),
      data = item.data ~= nil,
    })
  end
  local words = {}
  for _, match in ipairs(vim.lsp.util.text_document_completion_list_to_complete_items(answer or {}, prefix)) do
    table.insert(words, match.word)
  end
  return { items = out, words = words }
end

t.run(function()
  local buf = vim.api.nvim_get_current_buf()
  local client = t.attached(buf)
  local caps = client.server_capabilities or client.resolved_capabilities
  r.resolve_provider = caps.completionProvider and caps.completionProvider.resolveProvider or false
  r.empty_line = describe(t.request_at(buf, 2, 0, 'textDocument/completion'), '')
  r.action_value = describe(t.request_at(buf, 5, 8, 'textDocument/completion'), '')
  r.builtin = describe(t.request_at(buf, 6, 21, 'textDocument/completion'), '')
  local originate
  for _, item in ipairs((t.request_at(buf, 5, 8, 'textDocument/completion') or {}).items or {}) do
    if item.label == 'Originate' then originate = item end
  end
  if originate and r.resolve_provider then
    local answers = vim.lsp.buf_request_sync(buf, 'completionItem/resolve', originate, 10000)
    for _, answer in pairs(answers or {}) do r.resolved = answer.result end
  end
  r.hover = t.request_at(buf, 5, 10, 'textDocument/hover')
end)

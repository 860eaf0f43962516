-- Headless Neovim (Debian 12's 0.7.2) as an LSP client of `lore lsp`: opens an entry, breaks a
-- link, waits for the diagnostics, asks for completion after `[[`, and writes what it got as JSON
-- to $LORE_NVIM_OUT. 0.7 has no vim.lsp.start(): start_client() then buf_attach_client().
local lore, root, out = os.getenv("LORE"), os.getenv("LORE_REPO"), os.getenv("LORE_NVIM_OUT")
local result = { diagnostics = {}, completion = {}, errors = {} }

local function finish()
  local file = io.open(out, "w")
  file:write(vim.fn.json_encode(result))
  file:close()
  vim.cmd("qall!")
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    cmd = { lore, "lsp" },
    root_dir = root,
    init_options = { today = "2025-06-01" },
    on_exit = function(code) result.exit_code = code end,
  })
  assert(client_id, "the client did not start")
  vim.cmd("edit " .. root .. "/lessons/replica-reads.md")
  local buffer = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buffer, client_id)
  assert(vim.wait(10000, function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized
  end, 20), "the server did not initialize")

  -- Break a link in the unsaved buffer: line 6 is `related: [PM-0001, LL-0002]`.
  vim.api.nvim_buf_set_lines(buffer, 5, 6, false, { "related: [PM-0001, LL-0404]" })
  assert(vim.wait(10000, function() return #vim.diagnostic.get(buffer) > 0 end, 20), "no diagnostics arrived")
  for _, d in ipairs(vim.diagnostic.get(buffer)) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, end_col = d.end_col, severity = d.severity,
                                       message = d.message, code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) })
  end

  -- Complete an id after `[[` on line 13.
  vim.api.nvim_buf_set_lines(buffer, 12, 13, false, { "Replica lag broke checkout in [[LL-00" })
  local params = { textDocument = { uri = vim.uri_from_bufnr(buffer) }, position = { line = 12, character = 37 } }
  local responses = vim.lsp.buf_request_sync(buffer, "textDocument/completion", params, 10000)
  for _, response in pairs(responses or {}) do
    if response.err then table.insert(result.errors, response.err.message) end
    local items = response.result and (response.result.items or response.result) or {}
    for _, item in ipairs(items) do
      table.insert(result.completion, { label = item.label, detail = item.detail, newText = item.textEdit and item.textEdit.newText })
    end
  end

  vim.lsp.stop_client(client_id)
  vim.wait(5000, function() return result.exit_code ~= nil end, 20)
end)
if not ok then table.insert(result.errors, tostring(err)) end
finish()

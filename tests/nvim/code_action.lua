-- Neovim's own LSP client against `vaultlint server`: opens a note of a vault, waits for the
-- diagnostics, applies the code action whose title contains ACTION and waits for the finding
-- to go. Driven by tests/nvim.rs: VAULTLINT (the binary), VAULT (the vault), NOTE (the note,
-- in the vault), ACTION and OUT (where the steps are written, one `key=value` a line).

local out = assert(io.open(os.getenv('OUT'), 'w'))
local function say(key, value)
  out:write(key .. '=' .. tostring(value) .. '\n')
  out:flush()
end

local function lsp_code(d)
  if d.code then return d.code end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local exit_code

local function run()
  local vault = os.getenv('VAULT')
  vim.cmd('edit ' .. vim.fn.fnameescape(vault .. '/' .. os.getenv('NOTE')))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = 'vaultlint',
    cmd = { os.getenv('VAULTLINT'), 'server' },
    root_dir = vault,
    on_exit = function(code) exit_code = code end,
  })
  assert(id, 'the client did not start')
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)

  local got = vim.wait(30000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  assert(got, 'no diagnostics arrived')
  local diagnostics = vim.diagnostic.get(buf)
  say('diagnostics', #diagnostics)
  local first = diagnostics[1]
  say('code', lsp_code(first))
  say('line', first.lnum)

  -- The code actions for the finding's line (the note is ASCII: byte columns are UTF-16 ones).
  local lsp_diagnostic = {
    range = {
      start = { line = first.lnum, character = first.col },
      ['end'] = { line = first.end_lnum, character = first.end_col },
    },
    severity = first.severity,
    message = first.message,
    source = first.source,
    code = lsp_code(first),
  }
  local params = {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic } },
  }
  local response = client.request_sync('textDocument/codeAction', params, 10000, buf)
  assert(response and not response.err, 'codeAction failed: ' .. vim.inspect(response))
  local wanted = os.getenv('ACTION')
  local titles = {}
  local chosen
  for _, action in ipairs(response.result or {}) do
    table.insert(titles, action.title)
    if not chosen and action.title:find(wanted, 1, true) then chosen = action end
  end
  say('actions', table.concat(titles, ' | '))
  assert(chosen, 'no action titled like ' .. wanted)
  say('preferred', chosen.isPreferred == true)

  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or 'utf-16')
  say('line1', vim.api.nvim_buf_get_lines(buf, first.lnum, first.lnum + 1, false)[1])
  local gone = vim.wait(30000, function() return #vim.diagnostic.get(buf) == 0 end, 50)
  say('after', #vim.diagnostic.get(buf))
  assert(gone, 'the finding did not go')
  say('modified_on_disk', vim.fn.readfile(vim.api.nvim_buf_get_name(buf))[first.lnum + 1])
  vim.lsp.stop_client(id)
  -- `shutdown`, then `exit`: the server ends cleanly.
  local stopped = vim.wait(10000, function() return exit_code ~= nil end, 50)
  say('server_exit', exit_code)
  assert(stopped, 'the server did not stop')
  say('done', 'ok')
end

local ok, err = pcall(run)
if not ok then say('error', err) end
out:close()
vim.cmd(ok and 'qa!' or 'cq')

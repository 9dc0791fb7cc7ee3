-- Issue 8: the Trust Fund's roles. Fund managers certify disbursements (never their own, checked
-- in src/fund); auditors read the fund's books; fund managers and trustees see the fund's tasks
-- (a call closing, applications to review). New databases get the same from auth_roles_seed,
-- which also creates the new built-in role grantee.
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'fund.certify' FROM roles WHERE name = 'fund_manager' AND builtin = 1
    ON CONFLICT DO NOTHING;
INSERT INTO role_permissions(role_id, permission)
    SELECT id, 'fund.read' FROM roles WHERE name = 'auditor' AND builtin = 1
    ON CONFLICT DO NOTHING;
INSERT INTO role_permissions(role_id, permission)
    SELECT id, p.permission FROM roles, (SELECT 'task.read' AS permission UNION ALL SELECT 'task.write') AS p
    WHERE name IN ('fund_manager', 'trustee') AND builtin = 1
    ON CONFLICT DO NOTHING;

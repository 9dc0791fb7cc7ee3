-- Issue 5: a prosecution user sees a victim's identity only with a permission. The built-in
-- prosecutor role of existing databases loses the identity and narrative field groups (new
-- databases get the same from auth_roles_seed); custom roles are left as their owners made them.
DELETE FROM role_permissions
    WHERE permission IN ('fg.identity.read', 'fg.narrative.read')
      AND role_id IN (SELECT id FROM roles WHERE name = 'prosecutor' AND builtin = 1);

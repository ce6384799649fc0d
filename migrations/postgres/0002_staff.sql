-- Staff of the work-style office (作风办) and the supervision office (督查办).
-- Passwords are argon2 hashes (PHC strings); sessions live in hot state, not here.
CREATE TABLE staff_users (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL CONSTRAINT staff_users_name_key UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'monitor', 'auditor')),
    password_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Example: what 'hotcache-server --print-trigger-sql' prints for
--   pg-sync products table=public.products key=product:{id} format=json hot=is_hot
--   pg-sync stock table=public.stock key=stock:{warehouse_id}:{sku} format=hash
-- Generate the script for your own pg-sync lines with --print-trigger-sql; apply with psql -f.
-- hotcache change notifications (idempotent: creates what is missing, drops nothing).
-- Run as a role with CREATE on schema public (for the function) and, per table,
-- TRIGGER privilege; hotcache itself needs SELECT on the tables, e.g.
--   GRANT SELECT, TRIGGER ON <table> TO <hotcache role>;
DO $hotcache$
BEGIN
  IF to_regprocedure('public.hotcache_notify_v1()') IS NULL THEN
    CREATE FUNCTION public.hotcache_notify_v1() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      r jsonb;
      ok jsonb;
      nk jsonb;
      p text;
      tbl text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
      ts numeric := extract(epoch FROM now());
    BEGIN
      IF TG_LEVEL = 'STATEMENT' THEN
        PERFORM pg_notify('hotcache', json_build_object('t', tbl, 'op', 'T', 'ts', ts)::text);
        RETURN NULL;
      END IF;
      IF TG_OP <> 'INSERT' THEN
        r := to_jsonb(OLD);
        ok := '[]';
        FOR i IN 0 .. TG_NARGS - 1 LOOP
          ok := ok || jsonb_build_array(r ->> TG_ARGV[i]);
        END LOOP;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        r := to_jsonb(NEW);
        nk := '[]';
        FOR i IN 0 .. TG_NARGS - 1 LOOP
          nk := nk || jsonb_build_array(r ->> TG_ARGV[i]);
        END LOOP;
      END IF;
      IF ok = nk THEN
        ok := NULL;
      END IF;
      p := json_build_object('t', tbl, 'op', left(TG_OP, 1), 'ts', ts, 'o', ok, 'n', nk)::text;
      IF octet_length(p) > 7900 THEN
        p := json_build_object('t', tbl, 'op', 'R', 'ts', ts)::text;
      END IF;
      PERFORM pg_notify('hotcache', p);
      RETURN NULL;
    END
    $fn$;
  END IF;
END
$hotcache$;
-- pg-sync products
DO $hotcache$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'public.products'::regclass AND tgname = 'hotcache_sync_row') THEN
    CREATE TRIGGER hotcache_sync_row AFTER INSERT OR UPDATE OR DELETE ON public.products
      FOR EACH ROW EXECUTE FUNCTION public.hotcache_notify_v1('id');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'public.products'::regclass AND tgname = 'hotcache_sync_truncate') THEN
    CREATE TRIGGER hotcache_sync_truncate AFTER TRUNCATE ON public.products
      FOR EACH STATEMENT EXECUTE FUNCTION public.hotcache_notify_v1();
  END IF;
END
$hotcache$;
-- pg-sync stock
DO $hotcache$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'public.stock'::regclass AND tgname = 'hotcache_sync_row') THEN
    CREATE TRIGGER hotcache_sync_row AFTER INSERT OR UPDATE OR DELETE ON public.stock
      FOR EACH ROW EXECUTE FUNCTION public.hotcache_notify_v1('warehouse_id', 'sku');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = 'public.stock'::regclass AND tgname = 'hotcache_sync_truncate') THEN
    CREATE TRIGGER hotcache_sync_truncate AFTER TRUNCATE ON public.stock
      FOR EACH STATEMENT EXECUTE FUNCTION public.hotcache_notify_v1();
  END IF;
END
$hotcache$;

-- Every instance keeps a cache of credentials; a change to a connection's credential or status
-- is announced on the x_connections channel so the others drop their copy at once.
CREATE OR REPLACE FUNCTION x_connections_notify() RETURNS trigger AS $$
BEGIN
  -- The payload names the tenant and provider: a new user connection must also evict a cached
  -- fallback to the workspace connection of the same provider.
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('x_connections', OLD.tenant_id || E'\t' || OLD.provider || E'\t' || OLD.id);
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.revision IS DISTINCT FROM OLD.revision OR NEW.status IS DISTINCT FROM OLD.status THEN
    PERFORM pg_notify('x_connections', NEW.tenant_id || E'\t' || NEW.provider || E'\t' || NEW.id);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER x_connections_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON x_connections
  FOR EACH ROW EXECUTE FUNCTION x_connections_notify();

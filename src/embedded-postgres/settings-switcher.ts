import type { ClientConnection } from './client-connection';
import type { PgliteSession } from './pglite-session';
import { READ_SETTINGS, RESET_SETTINGS, query } from './session-settings';

/** Keeps session settings per client on the one session, as the session passes between clients (see session-settings.ts). */
export class SettingsSwitcher {
  /** The connection whose session settings are in place; none: the session's start-up settings. */
  private settingsOf?: ClientConnection;

  constructor(private readonly session: PgliteSession) {}

  /** Puts conn's session settings in place of those of the client that ran before it, unless they are in place already. */
  async bringIn(conn: ClientConnection): Promise<void> {
    if (this.settingsOf === conn) return;
    const previous = this.settingsOf;
    this.settingsOf = conn;
    if (previous) {
      const read = await this.session.runOwn(READ_SETTINGS, `reading the settings of connection #${previous.id}`);
      if (!previous.closed) previous.settings = read.value;
      if (read.value !== null || !read.ok)
        await this.session.runOwn(RESET_SETTINGS, `resetting the settings of connection #${previous.id}`);
    }
    if (conn.settings !== null) {
      const restore = query(conn.settings);
      conn.settings = null;
      await this.session.runOwn(restore, `restoring the settings of connection #${conn.id}`);
    }
  }
}

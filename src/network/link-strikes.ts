/** How many offences a link may commit before it is muted, for how long, and how many links are tracked. */
export interface LinkStrikeLimits {
  strikes: number;
  muteMs: number;
  maxLinks: number;
}

interface Record {
  strikes: number;
  mutedUntil: number;
}

/**
 * Links whose peer sent what no honest node sends: bytes that are no packet, or a signature that fails
 * (honest nodes send what they signed and pass on only what they verified). On a transport whose links
 * each carry one peer's own sends, that peer is faulty, so after `strikes` offences everything from the
 * link is dropped unread for `muteMs`: a flood of forgeries costs a receiver a few signature checks,
 * not one per packet. Honest links never offend, so offences do not decay; the least recently
 * offending link is forgotten first.
 */
/** Decoder verdicts no honest sender's bytes get (a newer version's packets may fail on their body or version, not on these). */
export const OFFENCES: ReadonlySet<string> = new Set(['malformed', 'bad-frame', 'not-utf8', 'not-json', 'duplicate-key', 'lone-surrogate', 'bad-envelope', 'bad-signature']);

export class LinkStrikes {
  private readonly links = new Map<string, Record>();

  /** `ownLinks`: the transports whose links are their peers' own (others' links are never muted). */
  constructor(
    private readonly limits: LinkStrikeLimits,
    private readonly ownLinks: ReadonlySet<string>,
  ) {}

  /** Whether this transport's links are judged (their peers' own). */
  judgesLinks(transport: string): boolean {
    return this.ownLinks.has(transport);
  }

  muted(transport: string, link: string, now: number): boolean {
    if (this.links.size === 0 || !this.ownLinks.has(transport)) return false;
    const record = this.links.get(`${transport}:${link}`);
    return record !== undefined && now < record.mutedUntil;
  }

  offend(transport: string, link: string, now: number): void {
    if (!this.ownLinks.has(transport)) return;
    const key = `${transport}:${link}`;
    let record = this.links.get(key);
    if (record) this.links.delete(key);
    else {
      record = { strikes: 0, mutedUntil: 0 };
      if (this.links.size >= this.limits.maxLinks) this.links.delete(this.links.keys().next().value!);
    }
    this.links.set(key, record);
    if (++record.strikes >= this.limits.strikes) {
      record.mutedUntil = now + this.limits.muteMs;
      record.strikes = 0;
    }
  }
}

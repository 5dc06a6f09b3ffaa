// Where a keyboard-wedge burst goes. A station tablet has one reader on the whole page
// (components/Identity.tsx, BadgeReader) for whatever a USB or Bluetooth scanner types
// with no field focused: a badge, or a card's code. The station's scan box claims the
// bursts that are a card on the board; everything else stays a badge sign-in.
type CodeHandler = (text: string) => boolean;

let handler: CodeHandler | null = null;

/** The scan box takes card codes while it is on screen; returns the release. */
export function claimCardCodes(h: CodeHandler): () => void {
  handler = h;
  return () => {
    if (handler === h) handler = null;
  };
}

/** Offers a burst to the scan box: true when it was a card code and was taken. */
export function offerCardCode(text: string): boolean {
  return handler?.(text) ?? false;
}

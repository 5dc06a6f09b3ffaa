// The demo plant's loops and their Toyota sizing (server data: only the seed uses it;
// the sizing formula itself is the domain's, in shared/kanban.ts).
import { toyotaCardCount } from '../shared/kanban.ts';

export type DemoStation = 'supplier' | 'machining' | 'welding' | 'paint' | 'assembly' | 'shipping';

export interface DemoLoopSpec {
  partNumber: string;
  partName: string;
  from: DemoStation;
  to: DemoStation;
  /** Parts used per finished cylinder. */
  perUnit: number;
  containerQty: number;
  leadTimeMinutes: number;
  inputs: string[];
  cardCount: number;
}

/** Customer demand: hydraulic cylinders per hour (a takt of 10 minutes). */
const DEMO_DEMAND_PER_HOUR = 6;
const DEMO_SAFETY = 0.2;

const specs: Omit<DemoLoopSpec, 'cardCount'>[] = [
  { partNumber: 'RM-4140-B50', partName: '4140 steel bar Ø50 × 600', from: 'supplier', to: 'machining', perUnit: 1, containerQty: 8, leadTimeMinutes: 480, inputs: [] },
  { partNumber: 'RM-E355-T80', partName: 'E355 honed tube 80×10', from: 'supplier', to: 'machining', perUnit: 1, containerQty: 8, leadTimeMinutes: 480, inputs: [] },
  { partNumber: 'RM-ENDCAP-80', partName: 'End cap blank S355', from: 'supplier', to: 'welding', perUnit: 2, containerQty: 16, leadTimeMinutes: 480, inputs: [] },
  { partNumber: 'RM-RAL5015', partName: 'Powder coat RAL 5015, 20 kg', from: 'supplier', to: 'paint', perUnit: 1, containerQty: 8, leadTimeMinutes: 480, inputs: [] },
  { partNumber: 'PU-SK50', partName: 'Seal kit 50 mm', from: 'supplier', to: 'assembly', perUnit: 1, containerQty: 8, leadTimeMinutes: 480, inputs: [] },
  { partNumber: 'MC-2201', partName: 'Piston rod, ground & chromed', from: 'machining', to: 'assembly', perUnit: 1, containerQty: 4, leadTimeMinutes: 90, inputs: ['RM-4140-B50'] },
  { partNumber: 'MC-3105', partName: 'Cylinder barrel, honed', from: 'machining', to: 'welding', perUnit: 1, containerQty: 4, leadTimeMinutes: 120, inputs: ['RM-E355-T80'] },
  { partNumber: 'WD-5100', partName: 'Barrel & cap weldment', from: 'welding', to: 'paint', perUnit: 1, containerQty: 4, leadTimeMinutes: 60, inputs: ['MC-3105', 'RM-ENDCAP-80'] },
  { partNumber: 'PT-5100-B', partName: 'Weldment, painted RAL 5015', from: 'paint', to: 'assembly', perUnit: 1, containerQty: 4, leadTimeMinutes: 150, inputs: ['WD-5100', 'RM-RAL5015'] },
  { partNumber: 'FG-HC250', partName: 'Hydraulic cylinder HC-250', from: 'assembly', to: 'shipping', perUnit: 1, containerQty: 4, leadTimeMinutes: 60, inputs: ['MC-2201', 'PT-5100-B', 'PU-SK50'] },
];

/** The demo loops in creation order (inputs first), each sized by the Toyota form. */
export function kanbanDemoSizing(): DemoLoopSpec[] {
  return specs.map((s) => ({
    ...s,
    cardCount: toyotaCardCount(DEMO_DEMAND_PER_HOUR * s.perUnit, s.leadTimeMinutes / 60, DEMO_SAFETY, s.containerQty),
  }));
}

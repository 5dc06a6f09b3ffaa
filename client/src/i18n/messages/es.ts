import type { Catalogue } from './en.ts';
import en from './en.ts';

const es: Catalogue = en;
export default es;

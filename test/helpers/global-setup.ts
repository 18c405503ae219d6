import { setUp } from './database-template';

export default setUp;

import { tearDown } from './database-template';

export default tearDown;

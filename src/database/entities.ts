import { Agent } from '../agents/agent.entity';
import { ApiToken } from '../companies/api-token.entity';
import { Company } from '../companies/company.entity';
import { Contact } from '../contacts/contact.entity';
import { Menu } from '../menus/menu.entity';
import { OutboundNumber } from '../outbound-numbers/outbound-number.entity';

// Every entity, listed rather than globbed (see migrations/index.ts).
export const ENTITIES = [Company, ApiToken, Agent, Menu, OutboundNumber, Contact];

import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { ConsoleSite } from './console-site.service';
import { ConsoleController } from './console.controller';

@Module({ imports: [AdminModule], controllers: [ConsoleController], providers: [ConsoleSite] })
export class ConsoleModule {}
